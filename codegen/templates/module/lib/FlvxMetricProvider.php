<?php

// placeholder
